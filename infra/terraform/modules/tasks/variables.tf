variable "location" {
  type        = string
  description = "Cloud Tasks location (TASKS_LOCATION)."
}

variable "queues" {
  type = map(object({
    name                      = string
    max_dispatches_per_second = number
    max_concurrent_dispatches = number
    max_attempts              = number
    min_backoff_seconds       = number
    max_backoff_seconds       = number
    creators                  = list(string)
  }))
  description = "Queues by stage key; creators are the IAM members that create its tasks."
}
