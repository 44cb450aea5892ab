"""quantpipe's Airflow DAGs as plain Python: the conf profile, the commands, the task graph.

Nothing here imports Airflow, so all of it is tested with pytest where Airflow is not installed;
the DAG files in ../dags only turn these task specs into operators.
"""
