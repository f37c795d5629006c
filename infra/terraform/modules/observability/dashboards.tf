# Two dashboards: "video generation" (from the log-based metrics) and "service" (Cloud Run's
# own metrics). Cost per video is Veo seconds x price: blocks by model, priced in the README.
locals {
  metric = "logging.googleapis.com/user/shortvideo"

  generation_tiles = [
    { title = "Videos created per day", filter = "metric.type=\"${local.metric}/jobs_created\"", aligner = "ALIGN_SUM", period = "86400s", reducer = "REDUCE_SUM" },
    { title = "Videos completed per day", filter = "metric.type=\"${local.metric}/jobs_completed\"", aligner = "ALIGN_SUM", period = "86400s", reducer = "REDUCE_SUM" },
    { title = "Jobs failed per hour, by stage and code", filter = "metric.type=\"${local.metric}/jobs_failed\"", aligner = "ALIGN_SUM", period = "3600s", reducer = "REDUCE_SUM", group_by = ["metric.label.stage", "metric.label.code"] },
    { title = "Stage time p50 (ms), by stage", filter = "metric.type=\"${local.metric}/stage_duration_ms\"", aligner = "ALIGN_DELTA", period = "3600s", reducer = "REDUCE_PERCENTILE_50", group_by = ["metric.label.stage"] },
    { title = "Stage time p95 (ms), by stage", filter = "metric.type=\"${local.metric}/stage_duration_ms\"", aligner = "ALIGN_DELTA", period = "3600s", reducer = "REDUCE_PERCENTILE_95", group_by = ["metric.label.stage"] },
    { title = "Veo blocks per day, by model (x 7 s x price = cost)", filter = "metric.type=\"${local.metric}/veo_blocks\"", aligner = "ALIGN_SUM", period = "86400s", reducer = "REDUCE_SUM", group_by = ["metric.label.model"] },
    { title = "Veo throttles (429) per hour", filter = "metric.type=\"${local.metric}/stage_throttled\"", aligner = "ALIGN_SUM", period = "3600s", reducer = "REDUCE_SUM", group_by = ["metric.label.stage"] },
    { title = "Veo refusals per hour", filter = "metric.type=\"${local.metric}/veo_refusals\"", aligner = "ALIGN_SUM", period = "3600s", reducer = "REDUCE_SUM", group_by = ["metric.label.code"] },
  ]

  run = "resource.type=\"cloud_run_revision\""
  service_tiles = [
    { title = "API latency p95 (ms)", filter = "${local.run} AND resource.label.service_name=\"${var.api_service_name}\" AND metric.type=\"run.googleapis.com/request_latencies\"", aligner = "ALIGN_PERCENTILE_95", period = "60s", reducer = "REDUCE_MAX" },
    { title = "API latency p50 (ms)", filter = "${local.run} AND resource.label.service_name=\"${var.api_service_name}\" AND metric.type=\"run.googleapis.com/request_latencies\"", aligner = "ALIGN_PERCENTILE_50", period = "60s", reducer = "REDUCE_MAX" },
    { title = "Requests by service and response class", filter = "${local.run} AND metric.type=\"run.googleapis.com/request_count\"", aligner = "ALIGN_RATE", period = "60s", reducer = "REDUCE_SUM", group_by = ["resource.label.service_name", "metric.label.response_code_class"] },
    { title = "Unexpected 500s (request_crashed)", filter = "metric.type=\"${local.metric}/request_crashes\"", aligner = "ALIGN_SUM", period = "300s", reducer = "REDUCE_SUM" },
    { title = "Cold starts: container startup latency p95 (ms)", filter = "${local.run} AND metric.type=\"run.googleapis.com/container/startup_latencies\"", aligner = "ALIGN_PERCENTILE_95", period = "300s", reducer = "REDUCE_MAX", group_by = ["resource.label.service_name"] },
    { title = "Instances by service", filter = "${local.run} AND metric.type=\"run.googleapis.com/container/instance_count\"", aligner = "ALIGN_MAX", period = "60s", reducer = "REDUCE_SUM", group_by = ["resource.label.service_name"] },
  ]
}

resource "google_monitoring_dashboard" "generation" {
  dashboard_json = jsonencode({
    displayName = "Shortvideo: video generation (${var.environment})"
    mosaicLayout = {
      columns = 12
      tiles = [for i, t in local.generation_tiles : {
        xPos   = (i % 2) * 6
        yPos   = floor(i / 2) * 4
        width  = 6
        height = 4
        widget = {
          title = t.title
          xyChart = {
            dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = t.filter
                  aggregation = {
                    alignmentPeriod    = t.period
                    perSeriesAligner   = t.aligner
                    crossSeriesReducer = t.reducer
                    groupByFields      = lookup(t, "group_by", [])
                  }
                }
              }
            }]
          }
        }
      }]
    }
  })
}

resource "google_monitoring_dashboard" "service" {
  dashboard_json = jsonencode({
    displayName = "Shortvideo: service (${var.environment})"
    mosaicLayout = {
      columns = 12
      tiles = [for i, t in local.service_tiles : {
        xPos   = (i % 2) * 6
        yPos   = floor(i / 2) * 4
        width  = 6
        height = 4
        widget = {
          title = t.title
          xyChart = {
            dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = t.filter
                  aggregation = {
                    alignmentPeriod    = t.period
                    perSeriesAligner   = t.aligner
                    crossSeriesReducer = t.reducer
                    groupByFields      = lookup(t, "group_by", [])
                  }
                }
              }
            }]
          }
        }
      }]
    }
  })
}
