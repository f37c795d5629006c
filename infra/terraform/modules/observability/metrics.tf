# Log-based metrics from the structlog JSON events (jsonPayload.event) the services write.
# tests/infra/test_observability.py checks that every event and field named here is one a
# log call in src/shortvideo really writes. A metric with `field` is a distribution of that
# field's values; one without counts matching lines.
locals {
  run_logs = "resource.type=\"cloud_run_revision\""

  log_metrics = {
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
    # A retryable failure logs status=<the stage's ready status>; a final one status=failed,
    # or no status when the throttle clock ran out (that path always fails the job).
    jobs_failed = {
      description = "Stage failures that left the job failed (event stage_failed, final)."
      filter      = "jsonPayload.event=\"stage_failed\" AND (jsonPayload.status=\"failed\" OR NOT jsonPayload.status:*)"
      labels      = { stage = "EXTRACT(jsonPayload.stage)", code = "EXTRACT(jsonPayload.code)" }
    }
    stage_throttled = {
      description = "Quota refusals (429) that put a stage on backoff (event stage_throttled)."
      filter      = "jsonPayload.event=\"stage_throttled\""
      labels      = { stage = "EXTRACT(jsonPayload.stage)" }
    }
    # Every refusal of a block is logged once: the first triggers a rephrase, the second fails.
    veo_refusals = {
      description = "Video-model refusals of a block (usage guidelines, safety), by reason code."
      filter      = "jsonPayload.event=(\"video_block_rephrased\" OR \"video_block_refused_after_rephrase\")"
      labels      = { code = "EXTRACT(jsonPayload.code)" }
    }
    veo_blocks = {
      description = "Video blocks made, by model (event video_block_finished)."
      filter      = "jsonPayload.event=\"video_block_finished\""
      labels      = { model = "EXTRACT(jsonPayload.model)" }
    }
    request_crashes = {
      description = "Unexpected exceptions answered 500 (event request_crashed)."
      filter      = "jsonPayload.event=\"request_crashed\""
      labels      = {}
    }
    generation_seconds = {
      description = "Created-to-completed time of a job (stage_completed, status completed, job_seconds)."
      filter      = "jsonPayload.event=\"stage_completed\" AND jsonPayload.status=\"completed\""
      field       = "jsonPayload.job_seconds"
      unit        = "s"
      labels      = {}
    }
    video_cost_usd = {
      description = "Veo cost billed for a completed job (stage_completed, status completed, cost_usd)."
      filter      = "jsonPayload.event=\"stage_completed\" AND jsonPayload.status=\"completed\""
      field       = "jsonPayload.cost_usd"
      unit        = "USD"
      labels      = {}
    }
    stage_duration_ms = {
      description = "Wall time of one stage invocation (event stage_invocation_finished, duration_ms)."
      filter      = "jsonPayload.event=\"stage_invocation_finished\""
      field       = "jsonPayload.duration_ms"
      unit        = "ms"
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

resource "google_logging_metric" "metric" {
  for_each = local.log_metrics

  name            = "shortvideo/${each.key}"
  description     = each.value.description
  filter          = "${local.run_logs} AND ${each.value.filter}"
  value_extractor = can(each.value.field) ? "EXTRACT(${each.value.field})" : null

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = can(each.value.field) ? "DISTRIBUTION" : "INT64"
    unit        = try(each.value.unit, "1")

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key        = labels.key
        value_type = "STRING"
      }
    }
  }

  label_extractors = each.value.labels

  # 1.4^k from 1: fine steps for seconds and dollars, up to ~700,000 for milliseconds.
  dynamic "bucket_options" {
    for_each = can(each.value.field) ? [1] : []
    content {
      exponential_buckets {
        num_finite_buckets = 40
        growth_factor      = 1.4
        scale              = 1
      }
    }
  }
}
