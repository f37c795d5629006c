"""Scheduled series: a creator's cron schedule that makes a video per slot (issue 13, 0018)."""
