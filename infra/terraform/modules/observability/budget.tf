# A monthly budget on the project with e-mail alerts at 50, 75, 90 and 100 % (actual spend)
# and at 100 % of the forecast. A budget alerts; it never stops spending (the code's own
# MONTHLY_BUDGET_USD refusal does that for Veo).
resource "google_billing_budget" "project" {
  billing_account = var.billing_account_id
  display_name    = "shortvideo ${var.environment}"

  budget_filter {
    projects = ["projects/${var.project_number}"]
  }

  amount {
    specified_amount {
      currency_code = "USD"
      units         = tostring(var.monthly_budget_usd)
    }
  }

  dynamic "threshold_rules" {
    for_each = [0.5, 0.75, 0.9, 1.0]
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    monitoring_notification_channels = [google_monitoring_notification_channel.email.id]
    disable_default_iam_recipients   = false
  }
}
