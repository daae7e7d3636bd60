# Three mappings on one warehouse, as Segment's Git sync writes them (trimmed).
resource "segment_reverse_etl_model" "id-usersModel01" {
  name              = "Users"
  source_id         = "snowflakeProd01"
  enabled           = true
  schedule_strategy = ""
}

resource "segment_reverse_etl_model" "id-accountsModel02" {
  name              = "Accounts"
  source_id         = "snowflakeProd01"
  enabled           = true
  schedule_strategy = ""
}

resource "segment_destination_subscription" "id-dest01_upsertContact" {
  name           = "Upsert Contact"
  destination_id = "dest01"
  model_id       = "usersModel01"
  enabled        = true
  reverse_etl_schedule = {
    config = jsonencode({
      spec     = "0 9 * * 1-5"
      timezone = "America/New_York"
    })
    strategy = "CRON"
  }
}

resource "segment_destination_subscription" "id-dest01_syncAccounts" {
  name           = "Sync Accounts"
  destination_id = "dest01"
  model_id       = segment_reverse_etl_model.id-accountsModel02.id
  enabled        = true
  reverse_etl_schedule = {
    config = jsonencode({
      spec     = "0 14 * * *"
      timezone = "UTC"
    })
    strategy = "CRON"
  }
}

resource "segment_destination_subscription" "id-dest02_sendTrack" {
  name           = "Send Track"
  destination_id = "dest02"
  model_id       = "usersModel01"
  enabled        = true
  reverse_etl_schedule = {
    config = jsonencode({
      days     = [1, 2, 3, 4, 5]
      hours    = [9]
      timezone = "America/New_York"
    })
    strategy = "SPECIFIC_DAYS"
  }
}
