<?php
// Placeholder page served until the application's code is deployed into /app. It shows which member served
// the request and, when the application is linked to a database, reads from it through the injected DB_*
// variables (so a tenant sees at once that the link works). Never prints the password.
http_response_code(200);
header('Content-Type: text/html; charset=utf-8');
$h = fn ($s) => htmlspecialchars((string) $s, ENT_QUOTES, 'UTF-8');
$member = getenv('PORTAL_MEMBER_ID') ?: 'unknown';
$application = getenv('PORTAL_APPLICATION') ?: 'this application';
$database = null;
if (getenv('DB_HOST') !== false) {
    mysqli_report(MYSQLI_REPORT_OFF);
    $link = mysqli_init();
    $link->options(MYSQLI_OPT_CONNECT_TIMEOUT, 1);
    if (@$link->real_connect(getenv('DB_HOST'), getenv('DB_USER'), getenv('DB_PASSWORD'), getenv('DB_NAME'), (int) getenv('DB_PORT'))) {
        $row = $link->query('SELECT VERSION() AS version, DATABASE() AS name')->fetch_assoc();
        $database = 'Connected to database ' . $row['name'] . ' on ' . getenv('DB_HOST') . ' (server ' . $row['version'] . ').';
        $link->close();
    } else {
        $database = 'Cannot reach the database on ' . getenv('DB_HOST') . ': ' . mysqli_connect_error();
    }
}
?><!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>No code deployed</title></head>
<body>
<h1><?= $h($application) ?> has no code deployed yet.</h1>
<p>Deploy your code to replace this page.</p>
<p id="member">Served by member <?= $h($member) ?>.</p>
<?php if ($database !== null): ?>
<p id="database"><?= $h($database) ?></p>
<?php endif; ?>
</body>
</html>
