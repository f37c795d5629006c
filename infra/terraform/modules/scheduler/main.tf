# Cloud Scheduler jobs (the monitor, the series dispatcher) with OIDC tokens whose audience
# is the target service's URL; the caller identity may only invoke those targets.
resource "google_service_account" "caller" {
  account_id   = "scheduler-oidc"
  display_name = "Identity in the OIDC token of Cloud Scheduler's calls"
}

resource "google_cloud_scheduler_job" "job" {
  for_each = var.jobs

  name             = each.key
  region           = var.region
  description      = each.value.description
  schedule         = each.value.schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "${each.value.attempt_deadline_seconds}s"

  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = each.value.uri
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.caller.email
      audience              = each.value.audience
    }
  }
}
