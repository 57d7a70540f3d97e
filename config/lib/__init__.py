"""Helpers shared by the apps: REST plumbing, paging, filtering, CSV, bulk
validation. Nothing here imports an app, so every app may import it."""
