# Two dashboards: "video generation" (from the log-based metrics) and "service" (Cloud Run's
# own metrics). A tile is a filter with its aggregation, or a PromQL query for ratios.
locals {
  metric = "logging.googleapis.com/user/shortvideo"
  run    = "resource.type=\"cloud_run_revision\""
  api    = "${local.run} AND resource.label.service_name=\"${var.api_service_name}\""
  # PromQL names of the same metrics (logging.googleapis.com/user/shortvideo/x).
  promql = "logging_googleapis_com:user_shortvideo"

  completed_per_day = "sum(increase(${local.promql}_jobs_completed[1d]))"
  failed_per_day    = "sum(increase(${local.promql}_jobs_failed[1d]))"

  dashboards = {
    generation = {
      title = "video generation"
      tiles = [
        { title = "Videos created per day", filter = "metric.type=\"${local.metric}/jobs_created\"", aligner = "ALIGN_SUM", period = "86400s", reducer = "REDUCE_SUM" },
        { title = "Videos completed per day", filter = "metric.type=\"${local.metric}/jobs_completed\"", aligner = "ALIGN_SUM", period = "86400s", reducer = "REDUCE_SUM" },
        { title = "Success rate per day (completed / (completed + failed))", promql = "${local.completed_per_day} / clamp_min(${local.completed_per_day} + ${local.failed_per_day}, 1)" },
        { title = "Jobs failed per hour, by stage and code", filter = "metric.type=\"${local.metric}/jobs_failed\"", aligner = "ALIGN_SUM", period = "3600s", reducer = "REDUCE_SUM", group_by = ["metric.label.stage", "metric.label.code"] },
        { title = "Generation time p50 (s, created to completed)", filter = "metric.type=\"${local.metric}/generation_seconds\"", aligner = "ALIGN_DELTA", period = "3600s", reducer = "REDUCE_PERCENTILE_50" },
        { title = "Generation time p95 (s, created to completed)", filter = "metric.type=\"${local.metric}/generation_seconds\"", aligner = "ALIGN_DELTA", period = "3600s", reducer = "REDUCE_PERCENTILE_95" },
        { title = "Cost per video, mean per day (USD, Veo billed)", promql = "sum(increase(${local.promql}_video_cost_usd_sum[1d])) / clamp_min(sum(increase(${local.promql}_video_cost_usd_count[1d])), 1)" },
        { title = "Stage time p95 (ms), by stage", filter = "metric.type=\"${local.metric}/stage_duration_ms\"", aligner = "ALIGN_DELTA", period = "3600s", reducer = "REDUCE_PERCENTILE_95", group_by = ["metric.label.stage"] },
        { title = "Veo blocks per day, by model", filter = "metric.type=\"${local.metric}/veo_blocks\"", aligner = "ALIGN_SUM", period = "86400s", reducer = "REDUCE_SUM", group_by = ["metric.label.model"] },
        { title = "Veo throttles (429) per hour, by stage", filter = "metric.type=\"${local.metric}/stage_throttled\"", aligner = "ALIGN_SUM", period = "3600s", reducer = "REDUCE_SUM", group_by = ["metric.label.stage"] },
        { title = "Veo refusals per hour, by reason", filter = "metric.type=\"${local.metric}/veo_refusals\"", aligner = "ALIGN_SUM", period = "3600s", reducer = "REDUCE_SUM", group_by = ["metric.label.code"] },
      ]
    }
    service = {
      title = "service"
      tiles = [
        { title = "API latency p95 (ms)", filter = "${local.api} AND metric.type=\"run.googleapis.com/request_latencies\"", aligner = "ALIGN_PERCENTILE_95", period = "60s", reducer = "REDUCE_MAX" },
        { title = "API latency p50 (ms)", filter = "${local.api} AND metric.type=\"run.googleapis.com/request_latencies\"", aligner = "ALIGN_PERCENTILE_50", period = "60s", reducer = "REDUCE_MAX" },
        { title = "API errors: 5xx per minute", filter = "${local.api} AND metric.type=\"run.googleapis.com/request_count\" AND metric.label.response_code_class=\"5xx\"", aligner = "ALIGN_RATE", period = "60s", reducer = "REDUCE_SUM" },
        { title = "Requests by service and response class", filter = "${local.run} AND metric.type=\"run.googleapis.com/request_count\"", aligner = "ALIGN_RATE", period = "60s", reducer = "REDUCE_SUM", group_by = ["resource.label.service_name", "metric.label.response_code_class"] },
        { title = "Unexpected 500s (request_crashed)", filter = "metric.type=\"${local.metric}/request_crashes\"", aligner = "ALIGN_SUM", period = "300s", reducer = "REDUCE_SUM" },
        { title = "Cold starts: container startup latency p95 (ms)", filter = "${local.run} AND metric.type=\"run.googleapis.com/container/startup_latencies\"", aligner = "ALIGN_PERCENTILE_95", period = "300s", reducer = "REDUCE_MAX", group_by = ["resource.label.service_name"] },
        { title = "Instances by service", filter = "${local.run} AND metric.type=\"run.googleapis.com/container/instance_count\"", aligner = "ALIGN_MAX", period = "60s", reducer = "REDUCE_SUM", group_by = ["resource.label.service_name"] },
      ]
    }
  }
  # Every tile with every key, so both kinds read alike.
  tile_defaults = {
    promql = null, filter = null, aligner = null, period = null, reducer = null, group_by = []
  }
  tiles = {
    for name, board in local.dashboards : name => [for t in board.tiles : merge(local.tile_defaults, t)]
  }
}

resource "google_monitoring_dashboard" "dashboard" {
  for_each = local.dashboards

  dashboard_json = jsonencode({
    displayName = "Shortvideo: ${each.value.title} (${var.environment})"
    mosaicLayout = {
      columns = 12
      tiles = [for i, t in local.tiles[each.key] : {
        xPos   = (i % 2) * 6
        yPos   = floor(i / 2) * 4
        width  = 6
        height = 4
        widget = {
          title = t.title
          xyChart = {
            dataSets = [{
              plotType = "LINE"
              # Exactly one of the two query kinds (the null one is dropped).
              timeSeriesQuery = { for kind, query in {
                prometheusQuery = t.promql
                timeSeriesFilter = t.filter == null ? null : {
                  filter = t.filter
                  aggregation = {
                    alignmentPeriod    = t.period
                    perSeriesAligner   = t.aligner
                    crossSeriesReducer = t.reducer
                    groupByFields      = t.group_by
                  }
                }
              } : kind => query if query != null }
            }]
          }
        }
      }]
    }
  })
}
