variable "name" {
  type        = string
  description = "Service name (Cloud Run service and the prefix of its service account)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,24}$", var.name))
    error_message = "name must be 3-25 lowercase letters, digits or dashes."
  }
}

variable "service_account_email" {
  type        = string
  description = "The service's own runtime identity (one per service)."
}

variable "region" {
  type        = string
  description = "Cloud Run region."
}

variable "image" {
  type        = string
  description = "Container image by digest (REGION-docker.pkg.dev/PROJECT/REPO/NAME@sha256:...)."
  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest so that Terraform owns what runs."
  }
}

variable "ingress" {
  type        = string
  description = "INGRESS_TRAFFIC_ALL or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
}

variable "invoker_members" {
  type        = list(string)
  description = "IAM members given roles/run.invoker on this service, and nobody else."
}

variable "env" {
  type        = map(string)
  description = "Plain environment variables (the settings the code reads)."
}

variable "secret_env" {
  type        = map(string)
  description = "Environment variables read from Secret Manager: NAME => secret id."
  default     = {}
}

variable "secret_versions" {
  type        = map(string)
  description = "Secret id => version to read; a secret not listed is read at its latest version."
  default     = {}
}

variable "cpu" {
  type        = string
  description = "CPU limit, e.g. \"1\" or \"4\"."
}

variable "memory" {
  type        = string
  description = "Memory limit, e.g. \"512Mi\" or \"8Gi\"."
}

variable "cpu_always_allocated" {
  type        = bool
  description = "Keep CPU allocated outside requests (background lease renewal, FFmpeg)."
  default     = false
}

variable "timeout_seconds" {
  type        = number
  description = "Request timeout; Cloud Tasks' dispatch deadline must not exceed it."
}

variable "concurrency" {
  type        = number
  description = "Requests one instance serves at once."
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm."
  default     = 0
}

variable "max_instances" {
  type        = number
  description = "Upper bound on instances (cost and quota guard)."
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse terraform destroy of the service."
  default     = true
}
