output "google_sign_in_enabled" {
  description = "Whether Google sign-in is configured."
  value       = length(google_identity_platform_default_supported_idp_config.google) > 0
}
