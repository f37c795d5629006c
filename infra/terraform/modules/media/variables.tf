variable "location" {
  type        = string
  description = "Bucket location (the region of the services, so media never crosses regions)."
}

variable "media_bucket_name" {
  type        = string
  description = "Globally unique name of the media bucket (PIPELINE_BUCKET)."
}

variable "dashboard_bucket_name" {
  type        = string
  description = "Globally unique name of the bucket serving the built dashboard."
}

variable "intermediate_prefixes" {
  type        = list(string)
  description = "Object prefixes deleted after intermediate_days (never final/ or thumbnails/)."
  validation {
    condition     = alltrue([for p in var.intermediate_prefixes : !contains(["final/", "thumbnails/", "characters/", "music/"], p)])
    error_message = "final/, thumbnails/, characters/ and music/ are kept; they cannot be intermediates."
  }
}

variable "intermediate_days" {
  type        = number
  description = "Days after which intermediates are deleted."
}
