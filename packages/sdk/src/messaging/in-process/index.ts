export { InProcessBroker } from './in-process-broker';
export { InProcessBrokerError } from './broker-error';
