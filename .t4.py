import columnar
db = columnar.connect()
db.execute("CREATE TABLE t1 (k INT, k2 VARCHAR(2), v1 VARCHAR(5))")
db.execute("CREATE TABLE t2 (k INT, k2 VARCHAR(2), v2 VARCHAR(8))")
db.execute("INSERT INTO t1 VALUES (1, 'a', 'one'), (2, 'b', 'two'), (3, 'c', 'three')")
db.execute("INSERT INTO t2 VALUES (1, 'a', 'uno'), (2, 'x', 'dos'), (4, 'd', 'cuatro')")
print(db.sql("SELECT k, v1, v2 FROM t1 JOIN t2 USING (k)").fetchall())
print(db.sql("SELECT * FROM t1 JOIN t2 USING (k, k2)").fetchall())
