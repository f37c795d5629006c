variable "environment" {
  type        = string
  description = "dev, staging or prod; one Google Cloud project each."
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "project_id" {
  type        = string
  description = "The environment's own Google Cloud project."
}

variable "region" {
  type        = string
  description = "Region of Cloud Run, Cloud Tasks, Cloud Scheduler and the media bucket."
}

variable "firestore_location" {
  type        = string
  description = "Firestore location (cannot change after creation)."
}

variable "billing_account_id" {
  type        = string
  description = "Billing account the budget watches."
}

variable "monthly_budget_usd" {
  type        = number
  description = "Monthly budget of the project in USD (alerts at 50/75/90/100 %)."
}

variable "alert_email" {
  type        = string
  description = "On-call address for alerts and budget notifications."
}

variable "app_domain" {
  type        = string
  description = "Domain of the dashboard and the API (one origin)."
}

variable "media_domain" {
  type        = string
  description = "Domain of the media CDN."
}

variable "google_oauth_client_id" {
  type        = string
  description = "OAuth client id for Google sign-in, made by hand; empty until then."
  default     = ""
}

variable "images" {
  type        = map(string)
  description = "Image by digest per service (api, script-agent, video-agent, assembler, monitor, series-dispatcher); deploy.sh passes it. Empty only for deploy.sh's first targeted apply (APIs, image repository, secret containers)."
  default     = {}
  validation {
    condition     = alltrue([for image in values(var.images) : can(regex("@sha256:[0-9a-f]{64}$", image))])
    error_message = "every image must be pinned by digest."
  }
}

variable "settings" {
  type        = map(string)
  description = "Settings (environment variables the code reads) that this environment sets; see settings_defaulted."
}

variable "settings_defaulted" {
  type        = list(string)
  description = "Settings deliberately left to the code's default in this environment (checked by tests/infra)."
}

variable "intermediate_days" {
  type        = number
  description = "Days before Veo intermediates are deleted from the media bucket."
}

variable "video_queue_max_dispatches_per_second" {
  type        = number
  description = "Doorbells per second to the video agent: at most the Veo requests-per-minute quota / 60."
}

variable "video_queue_max_concurrent" {
  type        = number
  description = "Video agent doorbells in flight at once."
}

variable "assembler_max_instances" {
  type        = number
  description = "Assembler instances (each assembles one video at a time); bounds the assembler queue too."
}

variable "api_min_instances" {
  type        = number
  description = "API instances kept warm (0 in dev; cold starts are visible on the service dashboard)."
}

variable "api_p95_threshold_ms" {
  type        = number
  description = "API p95 latency alert threshold."
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the database and the services from terraform destroy."
}
