output "dashboards" {
  description = "Dashboard ids (Cloud Console > Monitoring > Dashboards)."
  value       = [for board in google_monitoring_dashboard.dashboard : board.id]
}

output "log_metrics" {
  description = "The log-based metrics the dashboards and alerts read."
  value       = [for metric in google_logging_metric.metric : metric.name]
}
