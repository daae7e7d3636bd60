# As Segment's Git sync / Terraform export writes it.
resource "segment_destination_subscription" "send_track" {
  action_id      = "ujsJxBdpg7XkYwKSKREnQt"
  destination_id = "68378fe005c9b23b7d3a71c0"
  enabled        = true
  model_id       = "7Zh9nYLvSBfYnFim942RDC"
  name           = "Send Track"
  reverse_etl_schedule = {
    config = jsonencode({
      days     = [1]
      hours    = [5]
      timezone = "America/Denver"
    })
    strategy = "SPECIFIC_DAYS"
  }
}
