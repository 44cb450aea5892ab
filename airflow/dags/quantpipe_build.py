"""quantpipe's full index build as an airflow DAG: import -> calibrate -> train -> coarse -> encode -> hnsw -> evaluate ->
gate -> publish, one spark-submit per stage, from the profile in $QUANTPIPE_PROFILE (conf/local.conf)."""
from quantpipe_operators import make_dag
from quantpipe_dags.graph import BUILD_DAG_ID, build_tasks

dag = make_dag(BUILD_DAG_ID, build_tasks, "build-schedule", __doc__)
