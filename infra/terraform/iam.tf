# Least privilege per service account. Project-level roles only where no narrower resource
# exists (Firestore, Vertex AI); everything else is granted on the resource.
locals {
  firestore_users = ["api", "script-agent", "video-agent", "assembler", "monitor", "series-dispatcher"]
  # The dispatcher asks Gemini for a series' next theme; it reads music/ to check a track exists.
  vertex_users = ["script-agent", "video-agent", "assembler", "series-dispatcher"]
  media_users  = ["api", "script-agent", "video-agent", "assembler", "series-dispatcher"]
}

resource "google_project_iam_member" "firestore" {
  for_each = toset(local.firestore_users)
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = local.sa[each.value]
}

resource "google_project_iam_member" "vertex" {
  for_each = toset(local.vertex_users)
  project  = var.project_id
  role     = "roles/aiplatform.user"
  member   = local.sa[each.value]
}

resource "google_storage_bucket_iam_member" "media" {
  for_each = toset(local.media_users)
  bucket   = module.media.media_bucket
  role     = "roles/storage.objectUser"
  member   = local.sa[each.value]
}

# Veo writes its output straight to gs://media/veo31_videos/... and reads extension inputs.
resource "google_storage_bucket_iam_member" "vertex_agent_media" {
  bucket = module.media.media_bucket
  role   = "roles/storage.objectUser"
  member = "serviceAccount:service-${data.google_project.current.number}@gcp-sa-aiplatform.iam.gserviceaccount.com"
}

# Signed URLs without a key file: the API signs with its own account (iam.serviceAccounts.signBlob).
resource "google_service_account_iam_member" "api_signs_as_itself" {
  service_account_id = google_service_account.runtime["api"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.sa["api"]
}
