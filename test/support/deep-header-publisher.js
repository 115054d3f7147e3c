/* global process, console, Buffer */
'use strict';

/**
 * Publishes one message whose AMQP header table is nested `DEPTH` levels deep. amqplib encodes tables
 * recursively, so this runs in a process of its own with a larger stack (`node --stack-size=60000`); RabbitMQ
 * accepts such a message from any client.
 *
 * Environment: `AMQP_URL`, `EXCHANGE`, `ROUTING_KEY`, `MESSAGE_ID`, `DEPTH`. Prints `published` once confirmed.
 */
async function main() {
  const amqp = (await import('amqplib')).default;
  const connection = await amqp.connect(process.env.AMQP_URL);
  const channel = await connection.createConfirmChannel();
  let headers = { leaf: 'x' };
  for (let level = 1; level < Number(process.env.DEPTH); level++) headers = { nested: headers };
  channel.publish(process.env.EXCHANGE, process.env.ROUTING_KEY, Buffer.from('{}'), {
    persistent: true,
    messageId: process.env.MESSAGE_ID,
    headers,
  });
  await channel.waitForConfirms();
  console.log('published');
  await connection.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
