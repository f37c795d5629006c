# Alert policies: failure rate, stuck jobs, API latency and errors; budget alerts come from
# the budget (budget.tf). An alert is a PromQL condition or a threshold on a Cloud Run metric.
resource "google_monitoring_notification_channel" "email" {
  display_name = "Shortvideo on-call"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }
}

locals {
  alerts = {
    failure_rate = {
      name      = "Video jobs: more than 10 % failed in the last hour"
      condition = "failed / created over 1 h > 0.1"
      promql    = "sum(increase(${local.promql}_jobs_failed[1h])) / clamp_min(sum(increase(${local.promql}_jobs_created[1h])), 1) > 0.1"
      threshold = null
      runbook   = "More than 10 % of the last hour's jobs failed. README, Operating it: when the monitor marks jobs failed."
    }
    stuck_jobs = {
      name      = "Video jobs: stuck (expired leases or jobs failed by the monitor)"
      condition = "monitor recovered or failed jobs in 30 min > 3"
      promql    = "sum(increase(${local.promql}_monitor_recovered_sum[30m])) + sum(increase(${local.promql}_monitor_failed_sum[30m])) > 3"
      threshold = null
      runbook   = "The monitor keeps finding expired leases: a stage crashes or times out. Check stage_failed and request_crashed logs."
    }
    api_latency = {
      name      = "Creator API: p95 latency over ${var.api_p95_threshold_ms} ms"
      condition = "run request_latencies p95 (api)"
      promql    = null
      threshold = { metric = "run.googleapis.com/request_latencies", extra = "", value = var.api_p95_threshold_ms, aligner = "ALIGN_PERCENTILE_95", reducer = "REDUCE_MAX" }
      runbook   = "The API's p95 is over its threshold for 5 minutes: see the service dashboard (cold starts, instances) and Firestore latency."
    }
    api_errors = {
      name      = "Creator API: 5xx answers"
      condition = "5xx per minute > 5 for 5 min"
      promql    = null
      threshold = { metric = "run.googleapis.com/request_count", extra = " AND metric.labels.response_code_class = \"5xx\"", value = 5, aligner = "ALIGN_SUM", reducer = "REDUCE_SUM" }
      runbook   = "The API answers 5xx: request_crashed logs carry the stack traces."
    }
  }
}

resource "google_monitoring_alert_policy" "alert" {
  for_each = local.alerts

  display_name          = each.value.name
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = each.value.condition

    dynamic "condition_prometheus_query_language" {
      for_each = each.value.promql == null ? [] : [each.value.promql]
      content {
        query               = condition_prometheus_query_language.value
        duration            = "0s"
        evaluation_interval = "300s"
      }
    }

    dynamic "condition_threshold" {
      for_each = each.value.threshold == null ? [] : [each.value.threshold]
      content {
        filter          = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${var.api_service_name}\" AND metric.type = \"${condition_threshold.value.metric}\"${condition_threshold.value.extra}"
        comparison      = "COMPARISON_GT"
        threshold_value = condition_threshold.value.value
        duration        = "300s"

        aggregations {
          alignment_period     = "60s"
          per_series_aligner   = condition_threshold.value.aligner
          cross_series_reducer = condition_threshold.value.reducer
        }
      }
    }
  }

  documentation {
    content   = each.value.runbook
    mime_type = "text/markdown"
  }
}
