# Data, identity, secrets, the edge and observability.
module "firestore" {
  source       = "./modules/firestore"
  location     = var.firestore_location
  indexes_file = "${path.root}/../../firestore.indexes.json"
  rules_file   = "${path.root}/../../firestore.rules"
  # script_cache: SCRIPT_CACHE_TTL_DAYS; idempotency_keys: a retried POST /videos is answered
  # from its key until expires_at, then the key may be reused.
  ttl_fields        = { script_cache = "expires_at", idempotency_keys = "expires_at" }
  delete_protection = var.deletion_protection
  depends_on        = [google_project_service.apis, google_firebase_project.default]
}

module "media" {
  source                = "./modules/media"
  location              = var.region
  media_bucket_name     = "${var.project_id}-media"
  dashboard_bucket_name = "${var.project_id}-dashboard"
  intermediate_prefixes = ["veo31_videos/"]
  intermediate_days     = var.intermediate_days
  depends_on            = [google_project_service.apis]
}

module "secrets" {
  source = "./modules/secrets"
  secrets = {
    api-token-secret       = { purpose = "api-token-hmac", accessors = [local.sa["api"]] }
    stripe-secret-key      = { purpose = "stripe", accessors = [local.sa["api"]] }
    stripe-webhook-secret  = { purpose = "stripe", accessors = [local.sa["api"]] }
    (local.cdn_key_secret) = { purpose = "cdn-signed-urls", accessors = [local.sa["api"]] }
    google-oauth-secret    = { purpose = "google-sign-in", accessors = [] }
  }
  depends_on = [google_project_service.apis]
}

module "identity" {
  source                 = "./modules/identity"
  authorized_domains     = [var.app_domain]
  google_oauth_client_id = var.google_oauth_client_id
  google_oauth_secret_id = "google-oauth-secret"
  depends_on             = [google_project_service.apis, google_firebase_project.default, module.secrets]
}

# The CDN signing key's value is added by hand (README: manual steps) before the first apply;
# the backend bucket registers it, and the API reads the same version (services.tf).
data "google_secret_manager_secret_version" "cdn_signing_key" {
  secret     = local.cdn_key_secret
  depends_on = [module.secrets]
}

module "edge" {
  source                           = "./modules/edge"
  region                           = var.region
  project_number                   = data.google_project.current.number
  app_domain                       = var.app_domain
  media_domain                     = var.media_domain
  api_service_name                 = module.service["api"].name
  dashboard_bucket                 = module.media.dashboard_bucket
  media_bucket                     = module.media.media_bucket
  cdn_signing_key                  = data.google_secret_manager_secret_version.cdn_signing_key.secret_data
  cdn_signing_key_name             = local.cdn_key_name
  signed_url_cache_max_age_seconds = 3600
  depends_on                       = [module.secrets]
}

module "observability" {
  source               = "./modules/observability"
  environment          = var.environment
  project_number       = data.google_project.current.number
  billing_account_id   = var.billing_account_id
  monthly_budget_usd   = var.monthly_budget_usd
  alert_email          = var.alert_email
  api_service_name     = module.service["api"].name
  api_p95_threshold_ms = var.api_p95_threshold_ms
  depends_on           = [google_project_service.apis]
}
