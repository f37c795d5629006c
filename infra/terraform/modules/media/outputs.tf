output "media_bucket" {
  description = "Media bucket name."
  value       = google_storage_bucket.media.name
}

output "dashboard_bucket" {
  description = "Dashboard bucket name."
  value       = google_storage_bucket.dashboard.name
}
