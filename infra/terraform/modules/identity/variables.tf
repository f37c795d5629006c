variable "authorized_domains" {
  type        = list(string)
  description = "Domains allowed to complete sign-in (the app domain)."
}

variable "google_oauth_client_id" {
  type        = string
  description = "OAuth client id for Google sign-in (made by hand); empty disables Google sign-in."
}

variable "google_oauth_secret_id" {
  type        = string
  description = "Secret Manager secret id holding that OAuth client's secret."
}
