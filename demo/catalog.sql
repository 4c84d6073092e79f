-- The Acme shop's catalogue: the schema of the tour's MySQL application (README, "Tour"), run once when its
-- database is created.
CREATE TABLE products (
    id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    price DECIMAL(10, 2) NOT NULL
);

INSERT INTO products (name, price) VALUES
    ('Green tea', 4.50),
    ('Lemon cake', 3.20),
    ('Espresso beans', 12.90);
