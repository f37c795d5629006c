output "caller_service_account_email" {
  description = "The identity Cloud Scheduler's OIDC tokens carry."
  value       = google_service_account.caller.email
}
