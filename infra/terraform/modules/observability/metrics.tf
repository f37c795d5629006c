# Log-based metrics from the structlog JSON events (jsonPayload.event) the services write.
locals {
  run_logs = "resource.type=\"cloud_run_revision\""

  counters = {
    jobs_created = {
      description = "Jobs accepted (event job_created)."
      filter      = "jsonPayload.event=\"job_created\""
      labels      = { provider = "EXTRACT(jsonPayload.provider)" }
    }
    jobs_completed = {
      description = "Jobs that reached completed (event stage_completed, status completed)."
      filter      = "jsonPayload.event=\"stage_completed\" AND jsonPayload.status=\"completed\""
      labels      = {}
    }
    jobs_failed = {
      description = "Stage failures that left the job failed (event stage_failed, status failed)."
      filter      = "jsonPayload.event=\"stage_failed\" AND jsonPayload.status=\"failed\""
      labels      = { stage = "EXTRACT(jsonPayload.stage)", code = "EXTRACT(jsonPayload.code)" }
    }
    stage_throttled = {
      description = "Quota refusals (429) that put a stage on backoff (event stage_throttled)."
      filter      = "jsonPayload.event=\"stage_throttled\""
      labels      = { stage = "EXTRACT(jsonPayload.stage)" }
    }
    veo_refusals = {
      description = "Video-model refusals (usage guidelines, safety): stage_failed in the video stage."
      filter      = "jsonPayload.event=\"stage_failed\" AND jsonPayload.stage=\"video\" AND jsonPayload.code=~\"safety|refused|blocked\""
      labels      = { code = "EXTRACT(jsonPayload.code)" }
    }
    veo_blocks = {
      description = "Video blocks made, by model (event video_block_finished): seconds billed = blocks x block seconds."
      filter      = "jsonPayload.event=\"video_block_finished\""
      labels      = { model = "EXTRACT(jsonPayload.model)" }
    }
    request_crashes = {
      description = "Unexpected exceptions answered 500 (event request_crashed)."
      filter      = "jsonPayload.event=\"request_crashed\""
      labels      = {}
    }
  }

  distributions = {
    stage_duration_ms = {
      description = "Wall time of one stage invocation (event stage_invocation_finished, duration_ms)."
      filter      = "jsonPayload.event=\"stage_invocation_finished\""
      field       = "jsonPayload.duration_ms"
      labels      = { stage = "EXTRACT(jsonPayload.stage)" }
    }
    monitor_recovered = {
      description = "Jobs whose lease had expired, found by one monitor run (event monitor_summary, recovered)."
      filter      = "jsonPayload.event=\"monitor_summary\""
      field       = "jsonPayload.recovered"
      labels      = {}
    }
    monitor_failed = {
      description = "Jobs the monitor marked failed in one run (event monitor_summary, failed)."
      filter      = "jsonPayload.event=\"monitor_summary\""
      field       = "jsonPayload.failed"
      labels      = {}
    }
  }
}

resource "google_logging_metric" "counter" {
  for_each = local.counters

  name        = "shortvideo/${each.key}"
  description = each.value.description
  filter      = "${local.run_logs} AND ${each.value.filter}"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key        = labels.key
        value_type = "STRING"
      }
    }
  }

  label_extractors = each.value.labels
}

resource "google_logging_metric" "distribution" {
  for_each = local.distributions

  name            = "shortvideo/${each.key}"
  description     = each.value.description
  filter          = "${local.run_logs} AND ${each.value.filter}"
  value_extractor = "EXTRACT(${each.value.field})"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key        = labels.key
        value_type = "STRING"
      }
    }
  }

  label_extractors = each.value.labels

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 40
      growth_factor      = 1.4
      scale              = 1
    }
  }
}
