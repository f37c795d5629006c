variable "secrets" {
  type = map(object({
    purpose   = string
    accessors = list(string)
  }))
  description = "Secrets by id: a label saying what it is for, and who may read it."
}
