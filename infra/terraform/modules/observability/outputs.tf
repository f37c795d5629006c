output "dashboards" {
  description = "Dashboard ids (Cloud Console > Monitoring > Dashboards)."
  value       = [google_monitoring_dashboard.generation.id, google_monitoring_dashboard.service.id]
}

output "log_metrics" {
  description = "The log-based metrics the dashboards and alerts read."
  value       = concat([for m in google_logging_metric.counter : m.name], [for m in google_logging_metric.distribution : m.name])
}
