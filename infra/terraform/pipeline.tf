# Cloud Tasks queues (one per stage) and Cloud Scheduler jobs; who rings which doorbell.
locals {
  sa = { for key, account in google_service_account.runtime : key => "serviceAccount:${account.email}" }

  queues = {
    script = {
      name                      = "script-agent"
      target                    = "script-agent"
      max_dispatches_per_second = 5
      max_concurrent_dispatches = 20
      max_attempts              = 5
      min_backoff_seconds       = 10
      max_backoff_seconds       = 300
      creators                  = [local.sa["api"], local.sa["monitor"], local.sa["series-dispatcher"]]
    }
    # Each doorbell is at most one Veo request (submit or poll): bounded by the Veo quota.
    video = {
      name                      = "video-agent"
      target                    = "video-agent"
      max_dispatches_per_second = var.video_queue_max_dispatches_per_second
      max_concurrent_dispatches = var.video_queue_max_concurrent
      max_attempts              = 5
      min_backoff_seconds       = 15
      max_backoff_seconds       = 600
      creators                  = [local.sa["script-agent"], local.sa["video-agent"], local.sa["monitor"]]
    }
    # One assembly per assembler instance: no more doorbells in flight than instances.
    assemble = {
      name                      = "assembler"
      target                    = "assembler"
      max_dispatches_per_second = 1
      max_concurrent_dispatches = var.assembler_max_instances
      max_attempts              = 3
      min_backoff_seconds       = 60
      max_backoff_seconds       = 600
      creators                  = [local.sa["video-agent"], local.sa["monitor"]]
    }
  }

  scheduler_job_definitions = {
    monitor = {
      description              = "Safety net: expired leases and due retries (every 2 minutes)."
      schedule                 = "*/2 * * * *"
      target                   = "monitor"
      attempt_deadline_seconds = 300
    }
    series-dispatcher = {
      description              = "Creates the jobs of scheduled series that are due (decision 0018)."
      schedule                 = "*/5 * * * *"
      target                   = "series-dispatcher"
      attempt_deadline_seconds = 300
    }
  }
  scheduler_jobs = local.scheduler_job_definitions
}

module "tasks" {
  source   = "./modules/tasks"
  location = var.region
  queues = { for key, queue in local.queues : key => {
    name                      = queue.name
    max_dispatches_per_second = queue.max_dispatches_per_second
    max_concurrent_dispatches = queue.max_concurrent_dispatches
    max_attempts              = queue.max_attempts
    min_backoff_seconds       = queue.min_backoff_seconds
    max_backoff_seconds       = queue.max_backoff_seconds
    creators                  = queue.creators
  } }
  depends_on = [google_project_service.apis]
}

module "scheduler" {
  source = "./modules/scheduler"
  region = var.region
  jobs = { for name, job in local.scheduler_jobs : name => {
    description              = job.description
    schedule                 = job.schedule
    uri                      = local.url[job.target]
    audience                 = local.url[job.target]
    attempt_deadline_seconds = job.attempt_deadline_seconds
  } }
  depends_on = [google_project_service.apis]
}
