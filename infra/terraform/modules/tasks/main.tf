# One Cloud Tasks queue per stage, the identity the tasks' OIDC tokens carry, and who may
# create tasks (roles/cloudtasks.enqueuer on that queue plus actAs on the OIDC identity).
resource "google_service_account" "oidc" {
  account_id   = "tasks-oidc"
  display_name = "Identity in the OIDC token of every pipeline doorbell (Cloud Tasks)"
}

resource "google_cloud_tasks_queue" "stage" {
  for_each = var.queues

  name     = each.value.name
  location = var.location

  rate_limits {
    max_dispatches_per_second = each.value.max_dispatches_per_second
    max_concurrent_dispatches = each.value.max_concurrent_dispatches
  }

  retry_config {
    max_attempts  = each.value.max_attempts
    min_backoff   = "${each.value.min_backoff_seconds}s"
    max_backoff   = "${each.value.max_backoff_seconds}s"
    max_doublings = 4
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }
}

locals {
  enqueuers = merge([
    for key, queue in var.queues : {
      for creator in queue.creators : "${key}/${creator}" => { queue = key, member = creator }
    }
  ]...)
  all_creators = toset(flatten([for queue in var.queues : queue.creators]))
}

resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = local.enqueuers

  name     = google_cloud_tasks_queue.stage[each.value.queue].name
  location = var.location
  role     = "roles/cloudtasks.enqueuer"
  member   = each.value.member
}

# Creating a task with an OIDC token for tasks-oidc needs iam.serviceAccounts.actAs on it.
resource "google_service_account_iam_member" "creators_act_as_oidc" {
  for_each = local.all_creators

  service_account_id = google_service_account.oidc.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}
