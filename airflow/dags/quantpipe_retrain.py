"""quantpipe's retrain airflow DAG: on its schedule, the retrain check asks whether the current version drifted
(the stream job's drift topic or a drift marker under the index root) or aged; if so, the build's
stages run again into a new version, which the quality gate must pass before it is published."""
from quantpipe_operators import make_dag
from quantpipe_dags.graph import RETRAIN_DAG_ID, retrain_tasks

dag = make_dag(RETRAIN_DAG_ID, retrain_tasks, "retrain-schedule", __doc__)
