variable "environment" {
  type        = string
  description = "dev, staging or prod (names the dashboards and the budget)."
}

variable "project_number" {
  type        = string
  description = "Project number the budget filters on."
}

variable "billing_account_id" {
  type        = string
  description = "Billing account of the project (XXXXXX-XXXXXX-XXXXXX)."
}

variable "monthly_budget_usd" {
  type        = number
  description = "Monthly budget of the whole project in USD (alerts at 50/75/90/100 %)."
}

variable "alert_email" {
  type        = string
  description = "Where alerts and budget notifications go."
}

variable "api_service_name" {
  type        = string
  description = "Cloud Run service of the creator API."
}

variable "api_p95_threshold_ms" {
  type        = number
  description = "API p95 latency above which the on-call is alerted."
}
