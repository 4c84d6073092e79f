<?php
// The Acme shop: the application of Portal's tour (README, "Tour"). It lists the products of the database it is
// linked to (the DB_* variables a link gives), prices in the currency its cartridge sets (SHOP_CURRENCY), says which
// member served the page (the portal's short member id, as its Members table shows it) and greets with banner.txt.
declare(strict_types=1);

header('Content-Type: text/html; charset=utf-8');
$h = fn ($s): string => htmlspecialchars((string) $s, ENT_QUOTES, 'UTF-8');
$member = substr(str_replace('-', '', (string) getenv('PORTAL_MEMBER_ID')), -8) ?: 'unknown';
$banner = trim((string) @file_get_contents(__DIR__ . '/banner.txt'));
$currency = getenv('SHOP_CURRENCY') ?: 'USD';
$products = null;
$problem = null;
if (getenv('DB_HOST') !== false) {
    try {
        $pdo = new PDO(
            sprintf('mysql:host=%s;port=%s;dbname=%s;charset=utf8mb4', getenv('DB_HOST'), getenv('DB_PORT'), getenv('DB_NAME')),
            (string) getenv('DB_USER'),
            (string) getenv('DB_PASSWORD'),
            [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 2],
        );
        $products = $pdo->query('SELECT name, price FROM products ORDER BY id')->fetchAll(PDO::FETCH_ASSOC);
    } catch (PDOException $e) {
        $problem = 'The catalogue cannot be read: ' . $e->getMessage();
    }
}
?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme shop</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; color: #222; }
table { border-collapse: collapse; width: 100%; } td { padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
td.price { text-align: right; } .member { color: #666; }
</style>
</head>
<body>
<h1 id="banner"><?= $h($banner) ?></h1>
<?php if ($problem !== null): ?>
<p id="problem"><?= $h($problem) ?></p>
<?php elseif ($products === null): ?>
<p id="no-database">No catalogue yet: link a database to this application.</p>
<?php else: ?>
<table id="products">
<?php foreach ($products as $product): ?>
<tr><td><?= $h($product['name']) ?></td><td class="price"><?= $h(number_format((float) $product['price'], 2)) ?> <?= $h($currency) ?></td></tr>
<?php endforeach; ?>
</table>
<?php endif; ?>
<p class="member">Served by member <b id="member"><?= $h($member) ?></b></p>
</body>
</html>
