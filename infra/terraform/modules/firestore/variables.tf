variable "location" {
  type        = string
  description = "Firestore location (a region or a multi-region such as nam5); fixed forever."
}

variable "indexes_file" {
  type        = string
  description = "Path of firestore.indexes.json (the composite indexes the query registry needs)."
}

variable "rules_file" {
  type        = string
  description = "Path of firestore.rules (the file the rules tests ran on the emulator)."
}

variable "ttl_fields" {
  type        = map(string)
  description = "Collections whose documents expire => the timestamp field the TTL policy deletes on."
}

variable "delete_protection" {
  type        = bool
  description = "Refuse deleting the database."
}
