output "ids" {
  description = "Secret ids by id (for value_source references)."
  value       = { for id, secret in google_secret_manager_secret.secret : id => secret.secret_id }
}
