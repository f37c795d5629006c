# The media bucket (intermediates and finals) and the dashboard's static bucket.
resource "google_storage_bucket" "media" {
  name                        = var.media_bucket_name
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Intermediates (Veo clips, tails, scripts) are only needed until the final exists.
  dynamic "lifecycle_rule" {
    for_each = toset(var.intermediate_prefixes)
    content {
      condition {
        age            = var.intermediate_days
        matches_prefix = [lifecycle_rule.value]
      }
      action {
        type = "Delete"
      }
    }
  }

  # Versioning keeps overwritten objects; drop them after a week.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
    }
    action {
      type = "Delete"
    }
  }

  logging {
    log_bucket = google_storage_bucket.access_logs.name
  }
}

resource "google_storage_bucket" "dashboard" {
  #checkov:skip=CKV_GCP_114:Public static files of the dashboard, read through the load balancer; enforcing prevention would block its allUsers reader.
  name                        = var.dashboard_bucket_name
  location                    = var.location
  uniform_bucket_level_access = true
  # The load balancer's backend bucket reads it; nobody else (see the edge module's binding).
  public_access_prevention = "inherited"

  versioning {
    enabled = true
  }

  # Through the load balancer (a custom domain) the bucket acts as a website: "/" is
  # index.html, and a path with no object answers index.html (status 404, which the edge's
  # URL map turns into 200), so the SPA's deep links load the app.
  website {
    main_page_suffix = "index.html"
    not_found_page   = "index.html"
  }

  logging {
    log_bucket = google_storage_bucket.access_logs.name
  }
}

resource "google_storage_bucket" "access_logs" {
  #checkov:skip=CKV_GCP_62:This is the access-log bucket itself; logging it into itself would loop.
  name                        = "${var.media_bucket_name}-access-logs"
  location                    = var.location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }
}
