# The Cloud Run services: the creator API, the four pipeline functions and the series
# dispatcher, each a
# functions-framework or uvicorn container built from its staged folder (deploy.sh).
locals {
  # Static, so that identities and URLs never depend on what the services depend on.
  service_names = ["api", "script-agent", "video-agent", "assembler", "monitor", "series-dispatcher"]

  run_host = "${data.google_project.current.number}.${var.region}.run.app"
  # run.app URLs are deterministic, so a service can know its own URL (the video agent rings
  # itself) without a dependency cycle.
  url = { for key in local.service_names : key => "https://${key}-${local.run_host}/" }

  oidc_callers = [module.tasks.oidc_service_account_email, module.scheduler.caller_service_account_email]

  services = {
    api = {
      source        = "api"
      cpu           = "1"
      memory        = "1Gi"
      concurrency   = 40
      timeout       = 60
      min_instances = var.api_min_instances
      max_instances = 20
      cpu_always    = false
      ingress       = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
      invokers      = ["allUsers"]
    }
    script-agent = {
      source        = "functions/script_agent"
      cpu           = "1"
      memory        = "1Gi"
      concurrency   = 8
      timeout       = 300
      min_instances = 0
      max_instances = 10
      cpu_always    = false
      ingress       = "INGRESS_TRAFFIC_ALL"
      invokers      = ["serviceAccount:${module.tasks.oidc_service_account_email}"]
    }
    video-agent = {
      source        = "functions/video_agent"
      cpu           = "1"
      memory        = "2Gi"
      concurrency   = 4
      timeout       = 300
      min_instances = 0
      max_instances = 10
      cpu_always    = false
      ingress       = "INGRESS_TRAFFIC_ALL"
      invokers      = ["serviceAccount:${module.tasks.oidc_service_account_email}"]
    }
    assembler = {
      source        = "functions/assembler"
      cpu           = "4"
      memory        = "8Gi"
      concurrency   = 1
      timeout       = 1800
      min_instances = 0
      max_instances = var.assembler_max_instances
      cpu_always    = true
      ingress       = "INGRESS_TRAFFIC_ALL"
      invokers      = ["serviceAccount:${module.tasks.oidc_service_account_email}"]
    }
    monitor = {
      source        = "functions/monitor"
      cpu           = "1"
      memory        = "512Mi"
      concurrency   = 1
      timeout       = 300
      min_instances = 0
      max_instances = 1
      cpu_always    = false
      ingress       = "INGRESS_TRAFFIC_ALL"
      invokers      = ["serviceAccount:${module.scheduler.caller_service_account_email}"]
    }
    # Creates the due jobs of scheduled series through the same intake as POST /videos.
    series-dispatcher = {
      source        = "functions/series_dispatcher"
      cpu           = "1"
      memory        = "512Mi"
      concurrency   = 1
      timeout       = 300
      min_instances = 0
      max_instances = 1
      cpu_always    = false
      ingress       = "INGRESS_TRAFFIC_ALL"
      invokers      = ["serviceAccount:${module.scheduler.caller_service_account_email}"]
    }
  }

  # Settings Terraform knows better than a variable file: names and URLs of what it made.
  computed_settings = {
    ENVIRONMENT                   = var.environment
    GOOGLE_CLOUD_PROJECT          = var.project_id
    VERTEX_PROJECT                = var.project_id
    PIPELINE_PROVIDER             = "google"
    PIPELINE_BUCKET               = module.media.media_bucket
    TASKS_LOCATION                = var.region
    SCRIPT_QUEUE                  = module.tasks.queue_names["script"]
    VIDEO_QUEUE                   = module.tasks.queue_names["video"]
    ASSEMBLE_QUEUE                = module.tasks.queue_names["assemble"]
    SCRIPT_AGENT_URL              = local.url["script-agent"]
    VIDEO_AGENT_URL               = local.url["video-agent"]
    ASSEMBLER_URL                 = local.url["assembler"]
    TASKS_SERVICE_ACCOUNT         = module.tasks.oidc_service_account_email
    OIDC_VERIFY                   = "true"
    OIDC_ALLOWED_SERVICE_ACCOUNTS = join(",", local.oidc_callers)
    CORS_ALLOWED_ORIGINS          = "https://${var.app_domain}"
    # The one origin of dashboard and API: cookie state changes must come from it (0015).
    APP_ORIGIN = "https://${var.app_domain}"
    # Baked into the assembler image (infra/docker/assembler.Dockerfile) from the tested wheels.
    WHISPER_MODEL_DIR = "/opt/whisper/whisper-base"
  }

  # Media URLs (only the API makes them): Cloud CDN signed URLs on the media domain, signed
  # with the key registered on the media backend bucket (modules/edge). Not GCS V4 URLs.
  cdn_key_name   = "media-key-1"
  cdn_key_secret = "cdn-signing-key"
  service_settings = {
    api = {
      MEDIA_URL_MODE     = "cdn"
      MEDIA_CDN_BASE_URL = "https://${var.media_domain}"
      MEDIA_CDN_KEY_NAME = local.cdn_key_name
    }
  }

  # Secrets reach the services as environment variables from Secret Manager.
  secret_settings = {
    api = {
      API_TOKEN_SECRET      = "api-token-secret"
      STRIPE_SECRET_KEY     = "stripe-secret-key"
      STRIPE_WEBHOOK_SECRET = "stripe-webhook-secret"
      MEDIA_CDN_KEY         = local.cdn_key_secret
    }
  }
  # The API signs with exactly the key version the backend bucket checks against: a new
  # version changes both in one apply (and rolls a new API revision). Others read "latest".
  secret_versions = {
    api = { (local.cdn_key_secret) = data.google_secret_manager_secret_version.cdn_signing_key.version }
  }
}

# One runtime identity per service, made before the services so that queues, secrets and
# buckets can grant to it without waiting for (or cycling through) the services.
resource "google_service_account" "runtime" {
  for_each     = toset(local.service_names)
  account_id   = "${each.key}-run"
  display_name = "Runtime identity of the ${each.key} service"
}

module "service" {
  source   = "./modules/run_service"
  for_each = local.services

  name                  = each.key
  service_account_email = google_service_account.runtime[each.key].email
  region                = var.region
  image                 = var.images[each.key]
  ingress               = each.value.ingress
  invoker_members       = each.value.invokers
  cpu                   = each.value.cpu
  memory                = each.value.memory
  cpu_always_allocated  = each.value.cpu_always
  timeout_seconds       = each.value.timeout
  concurrency           = each.value.concurrency
  min_instances         = each.value.min_instances
  max_instances         = each.value.max_instances
  deletion_protection   = var.deletion_protection
  # Each function checks the OIDC token's audience against its own URL.
  env = merge(
    var.settings, local.computed_settings, lookup(local.service_settings, each.key, {}),
    { OIDC_AUDIENCE = local.url[each.key] },
  )
  secret_env      = lookup(local.secret_settings, each.key, {})
  secret_versions = lookup(local.secret_versions, each.key, {})

  depends_on = [google_project_service.apis, module.secrets, google_project_iam_member.firestore]
}
