"""Scripts the project runs beside the app: sample videos and commentary, browser helpers."""
