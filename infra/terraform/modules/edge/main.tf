# One HTTPS origin: the external Application Load Balancer routes app_domain's /api/* to the
# creator API (Cloud Run, through a serverless NEG) and everything else to the dashboard
# bucket; media_domain serves the media bucket through Cloud CDN with signed URLs
# (Cloud CDN signed URLs, signed with the key below, are not GCS V4 signed URLs).
resource "google_compute_global_address" "edge" {
  name = "shortvideo-edge"
}

resource "google_compute_managed_ssl_certificate" "edge" {
  name = "shortvideo-edge"
  managed {
    domains = [var.app_domain, var.media_domain]
  }
}

resource "google_compute_region_network_endpoint_group" "api" {
  name                  = "shortvideo-api"
  region                = var.region
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = var.api_service_name
  }
}

resource "google_compute_backend_service" "api" {
  name                  = "shortvideo-api"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  # Authenticated JSON is never cached; the API sets no-store as well.
  enable_cdn = false

  backend {
    group = google_compute_region_network_endpoint_group.api.id
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

# The built single-page app. Cloud CDN follows each object's own Cache-Control, which
# deploy.sh sets on upload: content-hashed files under assets/ for a year (immutable),
# index.html and the other unhashed files no-cache (revalidated, so a deploy shows at once).
resource "google_compute_backend_bucket" "dashboard" {
  name        = "shortvideo-dashboard"
  bucket_name = var.dashboard_bucket
  enable_cdn  = true

  cdn_policy {
    cache_mode       = "USE_ORIGIN_HEADERS"
    negative_caching = false
  }
}

resource "google_compute_backend_bucket" "media" {
  name        = "shortvideo-media"
  bucket_name = var.media_bucket
  enable_cdn  = true

  cdn_policy {
    cache_mode                   = "CACHE_ALL_STATIC"
    signed_url_cache_max_age_sec = var.signed_url_cache_max_age_seconds
  }
}

# The key Cloud CDN checks signed URLs against: 128 bits, base64url (RFC 4648 section 5), as
# gcloud's add-signed-url-key takes it. The root module reads it from Secret Manager, and
# the API signs with the same secret version (services.tf).
resource "google_compute_backend_bucket_signed_url_key" "media" {
  name           = var.cdn_signing_key_name
  backend_bucket = google_compute_backend_bucket.media.name
  key_value      = var.cdn_signing_key
}

# Cloud CDN fills signed requests from the private media bucket with its own service agent.
resource "google_storage_bucket_iam_member" "cdn_fill_reads_media" {
  bucket = var.media_bucket
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:service-${var.project_number}@cloud-cdn-fill.iam.gserviceaccount.com"
}

# The dashboard is the built single-page app: public static files, no user data.
resource "google_storage_bucket_iam_member" "dashboard_public" {
  #checkov:skip=CKV_GCP_28:The dashboard bucket holds only the built single-page app (public static files); user media stays in the private media bucket.
  bucket = var.dashboard_bucket
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_compute_url_map" "edge" {
  name            = "shortvideo-edge"
  default_service = google_compute_backend_bucket.dashboard.id

  host_rule {
    hosts        = [var.app_domain]
    path_matcher = "app"
  }

  host_rule {
    hosts        = [var.media_domain]
    path_matcher = "media"
  }

  path_matcher {
    name            = "app"
    default_service = google_compute_backend_bucket.dashboard.id

    # /api/videos reaches the API as /videos: the API keeps its own paths. No error policy
    # here: the API's own 4xx JSON (404 unknown_video_id, ...) must reach the browser as is.
    route_rules {
      priority = 1
      service  = google_compute_backend_service.api.id
      match_rules {
        prefix_match = "/api/"
      }
      route_action {
        url_rewrite {
          path_prefix_rewrite = "/"
        }
      }
    }

    # Everything else is the single-page app. A path with no object (a deep link such as
    # /videos/3eb5) is the SPA's own route: answer index.html with 200, not the bucket's 404
    # (the bucket's website not_found_page already gives index.html, but with status 404).
    route_rules {
      priority = 2
      service  = google_compute_backend_bucket.dashboard.id
      match_rules {
        prefix_match = "/"
      }
      custom_error_response_policy {
        error_service = google_compute_backend_bucket.dashboard.id
        error_response_rule {
          match_response_codes   = ["404"]
          path                   = "/index.html"
          override_response_code = 200
        }
      }
    }
  }

  path_matcher {
    name            = "media"
    default_service = google_compute_backend_bucket.media.id
  }
}

resource "google_compute_ssl_policy" "modern" {
  name            = "shortvideo-modern-tls"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "edge" {
  name             = "shortvideo-edge"
  url_map          = google_compute_url_map.edge.id
  ssl_certificates = [google_compute_managed_ssl_certificate.edge.id]
  ssl_policy       = google_compute_ssl_policy.modern.id
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "shortvideo-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.edge.address
  port_range            = "443"
  target                = google_compute_target_https_proxy.edge.id
}

# Plain HTTP only redirects to HTTPS.
resource "google_compute_url_map" "redirect" {
  name = "shortvideo-http-redirect"
  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "shortvideo-http-redirect"
  url_map = google_compute_url_map.redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  name                  = "shortvideo-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.edge.address
  port_range            = "80"
  target                = google_compute_target_http_proxy.redirect.id
}
