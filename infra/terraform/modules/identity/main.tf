# Identity Platform (Firebase Authentication): email/password with verified email, and Google
# sign-in. The Google OAuth client itself is made by hand (README: manual steps).
resource "google_identity_platform_config" "auth" {
  autodelete_anonymous_users = true
  authorized_domains         = var.authorized_domains

  sign_in {
    allow_duplicate_emails = false

    email {
      enabled           = true
      password_required = true
    }
  }
}

resource "google_identity_platform_default_supported_idp_config" "google" {
  count = var.google_oauth_client_id == "" ? 0 : 1

  enabled       = true
  idp_id        = "google.com"
  client_id     = var.google_oauth_client_id
  client_secret = data.google_secret_manager_secret_version.google_oauth[0].secret_data

  depends_on = [google_identity_platform_config.auth]
}

data "google_secret_manager_secret_version" "google_oauth" {
  count  = var.google_oauth_client_id == "" ? 0 : 1
  secret = var.google_oauth_secret_id
}
