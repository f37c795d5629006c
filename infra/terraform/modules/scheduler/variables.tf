variable "region" {
  type        = string
  description = "Cloud Scheduler region."
}

variable "jobs" {
  type = map(object({
    description              = string
    schedule                 = string
    uri                      = string
    audience                 = string
    attempt_deadline_seconds = number
  }))
  description = "Jobs by name: cron schedule, target URL and the OIDC audience (the service URL)."
}
