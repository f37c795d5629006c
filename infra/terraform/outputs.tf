output "service_urls" {
  description = "run.app URL of each service."
  value       = { for key, service in module.service : key => service.uri }
}

output "app_url" {
  description = "Dashboard and API origin (API under /api/)."
  value       = module.edge.app_url
}

output "media_url" {
  description = "Media CDN origin."
  value       = module.edge.media_url
}

output "edge_ip_address" {
  description = "A record for app_domain and media_domain."
  value       = module.edge.ip_address
}

output "dashboards" {
  description = "Monitoring dashboards."
  value       = module.observability.dashboards
}

output "image_repository" {
  description = "Artifact Registry repository deploy.sh pushes to."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}
