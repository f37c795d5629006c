# Alert policies: failure rate, stuck jobs, API latency; budget alerts come from the budget.
resource "google_monitoring_notification_channel" "email" {
  display_name = "Shortvideo on-call"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }
}

locals {
  user_metric = "logging_googleapis_com:user_shortvideo"
}

resource "google_monitoring_alert_policy" "failure_rate" {
  display_name          = "Video jobs: more than 10 % failed in the last hour"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "failed / created over 1 h > 0.1"
    condition_prometheus_query_language {
      query               = "sum(increase(${local.user_metric}_jobs_failed[1h])) / clamp_min(sum(increase(${local.user_metric}_jobs_created[1h])), 1) > 0.1"
      duration            = "0s"
      evaluation_interval = "300s"
    }
  }

  documentation {
    content   = "More than 10 % of the last hour's jobs failed. README, Operating it: when the monitor marks jobs failed."
    mime_type = "text/markdown"
  }
}

resource "google_monitoring_alert_policy" "stuck_jobs" {
  display_name          = "Video jobs: stuck (expired leases or jobs failed by the monitor)"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "monitor recovered or failed jobs in 30 min > 3"
    condition_prometheus_query_language {
      query               = "sum(increase(${local.user_metric}_monitor_recovered_sum[30m])) + sum(increase(${local.user_metric}_monitor_failed_sum[30m])) > 3"
      duration            = "0s"
      evaluation_interval = "300s"
    }
  }

  documentation {
    content   = "The monitor keeps finding expired leases: a stage crashes or times out. Check stage_failed and request_crashed logs."
    mime_type = "text/markdown"
  }
}

resource "google_monitoring_alert_policy" "api_latency" {
  display_name          = "Creator API: p95 latency over ${var.api_p95_threshold_ms} ms"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "run request_latencies p95 (api)"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${var.api_service_name}\" AND metric.type = \"run.googleapis.com/request_latencies\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.api_p95_threshold_ms
      duration        = "300s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_PERCENTILE_95"
        cross_series_reducer = "REDUCE_MAX"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "api_errors" {
  display_name          = "Creator API: 5xx answers"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "5xx per minute > 5 for 5 min"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${var.api_service_name}\" AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      comparison      = "COMPARISON_GT"
      threshold_value = 5
      duration        = "300s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}
