# Secret containers only: values are added by hand (README) so they never enter Terraform
# state, except the CDN key, which the backend bucket needs at apply time.
resource "google_secret_manager_secret" "secret" {
  for_each = var.secrets

  secret_id = each.key
  labels    = { purpose = each.value.purpose }

  replication {
    auto {}
  }
}

locals {
  accessors = merge([
    for id, secret in var.secrets : {
      for member in secret.accessors : "${id}/${member}" => { secret = id, member = member }
    }
  ]...)
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = local.accessors

  secret_id = google_secret_manager_secret.secret[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}
