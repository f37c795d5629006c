output "name" {
  description = "Cloud Run service name."
  value       = google_cloud_run_v2_service.service.name
}

output "uri" {
  description = "The service's run.app URL."
  value       = google_cloud_run_v2_service.service.uri
}
