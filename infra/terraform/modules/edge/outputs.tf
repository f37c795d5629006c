output "ip_address" {
  description = "Point app_domain and media_domain here (A records)."
  value       = google_compute_global_address.edge.address
}

output "app_url" {
  description = "The dashboard and API origin."
  value       = "https://${var.app_domain}"
}

output "media_url" {
  description = "The media CDN origin."
  value       = "https://${var.media_domain}"
}
