# Firestore (native mode) with the composite indexes of firestore.indexes.json, the TTL policy
# on the script cache and the security rules. Both files live at the repository root and are
# the ones the tests run (tests/infra): Terraform deploys exactly those files.
locals {
  indexes = {
    for index in jsondecode(file(var.indexes_file)).indexes :
    join("-", concat([index.collectionGroup], [for f in index.fields : "${f.fieldPath}.${lookup(f, "order", lookup(f, "arrayConfig", ""))}"])) => index
  }
}

resource "google_firestore_database" "main" {
  name                              = "(default)"
  location_id                       = var.location
  type                              = "FIRESTORE_NATIVE"
  concurrency_mode                  = "PESSIMISTIC"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = var.delete_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  deletion_policy                   = "ABANDON"
}

resource "google_firestore_index" "composite" {
  for_each = local.indexes

  database    = google_firestore_database.main.name
  collection  = each.value.collectionGroup
  query_scope = lookup(each.value, "queryScope", "COLLECTION")

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "arrayConfig", null)
    }
  }
}

# Firestore deletes an expired document (a script_cache entry, an idempotency key) within
# about a day after its TTL timestamp.
resource "google_firestore_field" "ttl" {
  for_each = var.ttl_fields

  database   = google_firestore_database.main.name
  collection = each.key
  field      = each.value

  ttl_config {}
  # Single-field indexes on the TTL timestamp are not needed by any query.
  index_config {}
}

resource "google_firebaserules_ruleset" "firestore" {
  source {
    files {
      name    = "firestore.rules"
      content = file(var.rules_file)
    }
  }
  depends_on = [google_firestore_database.main]
}

resource "google_firebaserules_release" "firestore" {
  name         = "cloud.firestore"
  ruleset_name = google_firebaserules_ruleset.firestore.name

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
