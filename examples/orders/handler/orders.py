"""The orders service's Lambda handlers (Python 3.12, boto3 from the runtime).

- ``api``: the REST API's Lambda proxy (payload format 1.0). ``POST /orders`` stores a new order as PENDING in
  the table, then publishes it to the topic; ``GET /orders/{orderId}`` reads one back.
- ``worker``: the queue's consumer (the topic delivers to the queue). It confirms each PENDING
  order and reports the messages it could not handle, which SQS retries and then moves to the
  dead-letter queue.
- ``sweep``: the scheduled rule's target. It republishes orders still PENDING after
  ``STALE_AFTER_SECONDS``: the table is the source of truth, and a message the queue lost (a
  purge, a Region loss) is sent again from it.
"""

import json
import os
import time
import uuid

import boto3
from boto3.dynamodb.conditions import Attr, Key

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SNS = boto3.client("sns")
INDEX = "byStatus"


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


def _publish(order):
    SNS.publish(TopicArn=os.environ["TOPIC_ARN"], Message=json.dumps(order))


def api(event, context):
    route = f'{event.get("httpMethod", "")} {event.get("resource", "")}'
    if route == "POST /orders":
        try:
            request = json.loads(event.get("body") or "{}")
        except json.JSONDecodeError:
            return _response(400, {"error": "the body is not JSON"})
        items = request.get("items")
        if not isinstance(items, list) or not items:
            return _response(400, {"error": "give a non-empty list of items"})
        order = {
            "orderId": str(uuid.uuid4()),
            "status": "PENDING",
            "createdAt": int(time.time()),
            "items": items,
        }
        TABLE.put_item(Item=order)
        _publish({"orderId": order["orderId"]})
        return _response(201, {"orderId": order["orderId"], "status": "PENDING"})
    if route == "GET /orders/{orderId}":
        order_id = (event.get("pathParameters") or {}).get("orderId", "")
        item = TABLE.get_item(Key={"orderId": order_id}).get("Item")
        if item is None:
            return _response(404, {"error": f"no order {order_id}"})
        return _response(200, {"orderId": order_id, "status": item["status"]})
    return _response(404, {"error": f"no route {route}"})


def worker(event, context):
    failures = []
    for record in event.get("Records", []):
        try:
            order_id = json.loads(record["body"])["orderId"]
            TABLE.update_item(
                Key={"orderId": order_id},
                UpdateExpression="SET #s = :confirmed",
                ConditionExpression=Attr("status").eq("PENDING"),
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":confirmed": "CONFIRMED"},
            )
        except TABLE.meta.client.exceptions.ConditionalCheckFailedException:
            pass  # confirmed already (a message delivered twice)
        except Exception:  # noqa: BLE001 - SQS retries it, then dead-letters it
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def sweep(event, context):
    stale_before = int(time.time()) - int(os.environ["STALE_AFTER_SECONDS"])
    republished = 0
    query = {
        "IndexName": INDEX,
        "KeyConditionExpression": Key("status").eq("PENDING")
        & Key("createdAt").lt(stale_before),
    }
    while True:
        page = TABLE.query(**query)
        for item in page.get("Items", []):
            _publish({"orderId": item["orderId"]})
            republished += 1
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"republished": republished}
