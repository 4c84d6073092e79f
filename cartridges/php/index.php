<?php
// Placeholder page served until the application's code is deployed into /app.
http_response_code(200);
header('Content-Type: text/html; charset=utf-8');
?><!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>No code deployed</title></head>
<body>
<h1>This application has no code deployed yet.</h1>
<p>Deploy your code to replace this page.</p>
</body>
</html>
