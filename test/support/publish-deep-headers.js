/* global process, Buffer */
'use strict';

// Publishes one message whose AMQP header table is nested `depth` levels deep to a queue, confirmed. amqplib
// encodes tables recursively, so run it with a large stack: node --stack-size=60000 publish-deep-headers.js …
// Usage: publish-deep-headers.js <amqp url> <queue> <depth> <message id> <content>
async function main() {
  const { connect } = await import('amqplib');
  const [url, queue, depth, messageId, content] = process.argv.slice(2);
  const connection = await connect(url);
  const channel = await connection.createConfirmChannel();
  let headers = { leaf: 'x' };
  for (let level = 0; level < Number(depth); level++) headers = { nested: headers };
  channel.sendToQueue(queue, Buffer.from(content), { persistent: true, messageId, headers });
  await channel.waitForConfirms();
  await connection.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
