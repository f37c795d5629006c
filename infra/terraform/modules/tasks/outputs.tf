output "oidc_service_account_email" {
  description = "TASKS_SERVICE_ACCOUNT: the identity Cloud Tasks puts in each doorbell's token."
  value       = google_service_account.oidc.email
}

output "queue_names" {
  description = "Queue names by stage key."
  value       = { for key, queue in google_cloud_tasks_queue.stage : key => queue.name }
}
