variable "region" {
  type        = string
  description = "Region of the API's Cloud Run service."
}

variable "project_number" {
  type        = string
  description = "Project number (names the Cloud CDN fill service agent)."
}

variable "app_domain" {
  type        = string
  description = "Domain of the dashboard and the API (one origin: /, /api/)."
}

variable "media_domain" {
  type        = string
  description = "Domain of the media CDN (signed URLs)."
}

variable "api_service_name" {
  type        = string
  description = "Cloud Run service of the creator API."
}

variable "dashboard_bucket" {
  type        = string
  description = "Bucket holding the built dashboard."
}

variable "media_bucket" {
  type        = string
  description = "Private media bucket served by Cloud CDN."
}

variable "cdn_signing_key" {
  type        = string
  sensitive   = true
  description = "The CDN signed-URL key: 16 random bytes, base64url (from Secret Manager)."
}

variable "cdn_signing_key_name" {
  type        = string
  description = "Key name that signed URLs carry (KeyName=); rotate by adding a second name."
}

variable "signed_url_cache_max_age_seconds" {
  type        = number
  description = "How long Cloud CDN may cache a signed response."
}
