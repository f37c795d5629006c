output "database" {
  description = "Firestore database name."
  value       = google_firestore_database.main.name
}

output "rules_release" {
  description = "The release that serves firestore.rules."
  value       = google_firebaserules_release.firestore.name
}
